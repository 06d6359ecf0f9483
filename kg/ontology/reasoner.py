"""Reasoning with owlready2's HermiT over the ontology plus facts read from the graph.

Each run loads the ontology (and the facts, as RDF triples) into a fresh owlready2
``World``: the default world would leave the reasoner classifying nothing. Pellet (also
bundled with owlready2) needs a newer Java than Debian 12's 17; it is offered only where it
runs (``reasoner="pellet"``) and fails with a clear message where it does not.

Clinical example: an ontology editor states ``kgid:RxNorm:21212 kgtwin:stronglyInhibits
kgtwin:CYP3A4``; HermiT classifies clarithromycin under ``StrongCYP3A4Inhibitor`` and, by
the sub-property axiom, ``CYP3A4Inhibitor``; sync writes both memberships into the graph.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import rdflib
from rdflib.namespace import OWL, RDF

from kg.errors import ConfigError, ValidationError
from kg.ontology.model import KG, OntologyModel, curie, uid_to_iri

__all__ = [
    "REASONERS",
    "DrugFacts",
    "Inference",
    "PatientFacts",
    "explain_inconsistency",
    "facts_graph",
    "java_available",
    "reason",
]

REASONERS = ("hermit", "pellet")
JAVA_HINT = (
    "no 'java' on PATH: the ontology reasoner (HermiT) needs a Java runtime; "
    "install one (Debian/Ubuntu: apt-get install default-jre-headless)"
)
_ONTOLOGY_BUILTINS = {OWL.NamedIndividual, OWL.Thing}


@dataclass(frozen=True)
class DrugFacts:
    """What the graph says about one drug: enzyme roles and asserted class memberships."""

    uid: str
    roles: tuple[tuple[str, str, str], ...] = ()  # (edge type, qualifier, gene uid)
    classes: tuple[str, ...] = ()  # DrugClass uids the graph asserts (kgtwin:NSAID)


@dataclass(frozen=True)
class PatientFacts:
    """What the graph says about one patient: its genotype calls' phenotype uids."""

    uid: str
    genotypes: tuple[tuple[str, str], ...] = ()  # (genotype uid, phenotype uid)


@dataclass(frozen=True)
class Inference:
    """What reasoning concluded, in graph terms (uids)."""

    drug_classes: dict[str, frozenset[str]]  # drug uid -> every materialised class
    patient_classes: dict[str, frozenset[str]]  # patient uid -> every patient class
    subclass_of: frozenset[tuple[str, str]]  # direct (sub uid, super uid) among materialised
    unsatisfiable: tuple[str, ...]  # class CURIEs equivalent to owl:Nothing
    seconds: float  # time spent in the reasoner
    ontology_only_drugs: tuple[str, ...] = field(default=())  # uids asserted only in the TTL


def java_available() -> bool:
    """Whether a ``java`` executable is on PATH."""
    return shutil.which("java") is not None


def facts_graph(
    model: OntologyModel, drugs: Iterable[DrugFacts], patients: Iterable[PatientFacts]
) -> rdflib.Graph:
    """The graph facts as RDF individuals in ontology terms (no TBox)."""
    g = rdflib.Graph()
    by_uid = {uid: rdflib.URIRef(iri) for iri, uid in model.individuals}
    by_uid_ci = {uid.casefold(): iri for uid, iri in by_uid.items()}
    role_iri = {(r.edge_type, r.qualifier): rdflib.URIRef(r.iri) for r in model.roles}
    classes = {c.uid: rdflib.URIRef(c.iri) for c in model.classes}

    def ind(uid: str) -> rdflib.URIRef:
        return by_uid.get(uid) or by_uid_ci.get(uid.casefold()) or uid_to_iri(uid)

    for d in drugs:
        s = ind(d.uid)
        g.add((s, RDF.type, OWL.NamedIndividual))
        g.add((s, RDF.type, KG.Drug))
        for edge_type, qualifier, gene_uid in d.roles:
            prop = role_iri.get((edge_type, qualifier))
            if prop is None:  # an unqualified or unknown-strength edge: the plain type
                prop = KG[
                    {"INHIBITS": "inhibits", "INDUCES": "induces"}.get(edge_type, "substrateOf")
                ]
            gene = ind(gene_uid)
            g.add((gene, RDF.type, OWL.NamedIndividual))
            g.add((gene, RDF.type, KG.Gene))
            g.add((s, prop, gene))
        for class_uid in d.classes:
            if class_uid in classes:
                g.add((s, RDF.type, classes[class_uid]))
    for p in patients:
        s = ind(p.uid)
        g.add((s, RDF.type, OWL.NamedIndividual))
        g.add((s, RDF.type, KG.Patient))
        for genotype_uid, phenotype_uid in p.genotypes:
            gt = uid_to_iri(genotype_uid)
            ph = ind(phenotype_uid)
            g.add((gt, RDF.type, OWL.NamedIndividual))
            g.add((gt, RDF.type, KG.Genotype))
            g.add((ph, RDF.type, OWL.NamedIndividual))
            g.add((ph, RDF.type, KG.Phenotype))
            g.add((s, KG.hasGenotype, gt))
            g.add((gt, KG.hasPhenotype, ph))
    return g


def _run(graph: rdflib.Graph, base_iri: str, reasoner: str) -> tuple[Any, float]:
    """Load ``graph`` into a fresh World and reason; return (world, seconds)."""
    import owlready2

    if reasoner not in REASONERS:
        raise ConfigError(f"reasoner {reasoner!r} is not valid (choices: {', '.join(REASONERS)})")
    if not java_available():
        raise ConfigError(JAVA_HINT)
    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology(base_iri).load(fileobj=io.BytesIO(data), format="ntriples")
    start = time.perf_counter()
    try:
        if reasoner == "hermit":
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        else:
            owlready2.sync_reasoner_pellet(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyJavaError as exc:
        first = next((ln for ln in str(exc).splitlines()[1:] if ln.strip()), str(exc))
        if reasoner == "pellet" and "UnsupportedClassVersion" in str(exc):
            raise ConfigError(
                "Pellet (bundled with owlready2) needs a newer Java than the installed "
                f"{_java_version()}; use the default reasoner, HermiT"
            ) from exc
        raise ConfigError(f"the {reasoner} reasoner failed: {first.strip()[:300]}") from exc
    return world, time.perf_counter() - start


def _java_version() -> str:
    import subprocess

    done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60)
    lines = (done.stderr or done.stdout).splitlines()
    return lines[0].strip() if lines else "Java"


def is_consistent(graph: rdflib.Graph, base_iri: str, reasoner: str = "hermit") -> bool:
    """Whether ``graph`` (TBox and ABox) is consistent.

    HermiT is run directly in consistency-only mode (no classification, no owlready2 World):
    explanations call this a dozen times, so each run must be cheap.
    """
    import subprocess
    import tempfile

    from owlready2 import reasoning

    if reasoner != "hermit":
        import owlready2

        try:
            _run(graph, base_iri, reasoner)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False
        return True
    if not java_available():
        raise ConfigError(JAVA_HINT)
    with tempfile.NamedTemporaryFile("wb", suffix=".nt") as tmp:
        tmp.write(graph.serialize(format="nt", encoding="utf-8"))
        tmp.flush()
        command = [
            "java",
            f"-Xmx{reasoning.JAVA_MEMORY}M",
            "-cp",
            reasoning._HERMIT_CLASSPATH,
            "org.semanticweb.HermiT.cli.CommandLine",
            "-k",
            f"file://{tmp.name}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    if "InconsistentOntologyException" in output or "Inconsistent ontology" in output:
        return False
    if done.returncode != 0:
        raise ConfigError(f"HermiT failed: {output.strip().splitlines()[-1][:300]}")
    return True


def reason(
    model: OntologyModel,
    ontology: rdflib.Graph,
    drugs: Sequence[DrugFacts],
    patients: Sequence[PatientFacts],
    *,
    reasoner: str = "hermit",
) -> Inference:
    """Classify the graph's drugs and patients against the ontology.

    Raises:
        ConfigError: no Java, or the reasoner cannot run.
        ValidationError: the ontology plus facts is inconsistent; ``problems`` lists the
            offending axioms (found by re-running the reasoner on smaller axiom sets).
    """
    import owlready2

    rep_drugs, drug_members = _representatives_drugs(model, drugs)
    rep_patients, patient_members = _representatives_patients(patients)
    facts = facts_graph(model, rep_drugs, rep_patients)
    merged = ontology + facts
    try:
        world, seconds = _run(merged, model.iri, reasoner)
    except owlready2.OwlReadyInconsistentOntologyError:
        problems = explain_inconsistency(model, ontology, facts, reasoner=reasoner)
        names = {**drug_members, **patient_members}
        for rep, members in names.items():
            if rep != members[0]:
                more = (
                    f" and {len(members) - 1} more with the same facts" if len(members) > 1 else ""
                )
                problems = [x.replace(f"kgid:{rep}", f"kgid:{members[0]}{more}") for x in problems]
        raise ValidationError(
            f"the ontology {model.path} plus the graph's facts is inconsistent "
            "(offending axioms below)",
            problems=problems,
        ) from None
    get = world.__getitem__
    by_iri = model.class_by_iri()
    ancestors: dict[str, set[str]] = {}
    for iri in by_iri:
        cls = get(iri)
        ancestors[iri] = {a.iri for a in cls.ancestors() if a.iri in by_iri} if cls else set()

    def classes_of(subject: rdflib.URIRef) -> set[str]:
        entity = get(str(subject))
        if entity is None:
            return set()
        out: set[str] = set()
        for t in entity.is_a:
            iri = getattr(t, "iri", None)
            if iri is None:
                continue
            if iri in ancestors:
                out |= ancestors[iri]
            elif hasattr(t, "ancestors"):
                out |= {a.iri for a in t.ancestors() if a.iri in by_iri}
        return out

    drug_subjects = {d.uid: facts_iri(model, d.uid) for d in rep_drugs}
    ontology_drugs = {
        uid: rdflib.URIRef(iri)
        for iri, uid in model.individuals
        if (rdflib.URIRef(iri), RDF.type, KG.Drug) in ontology or _has_role(ontology, iri, model)
    }
    drug_classes: dict[str, frozenset[str]] = {}
    for rep, subject in {**ontology_drugs, **drug_subjects}.items():
        found = {by_iri[c].uid for c in classes_of(subject) if not by_iri[c].is_patient_class}
        if found:
            for uid in drug_members.get(rep, [rep]):
                drug_classes[uid] = frozenset(found)
    patient_classes: dict[str, frozenset[str]] = {}
    patient_uids = _patient_uids(model)
    for rp in rep_patients:
        found = {by_iri[c].uid for c in classes_of(facts_iri(model, rp.uid))} & patient_uids
        if found:
            for uid in patient_members[rp.uid]:
                patient_classes[uid] = frozenset(found)
    edges: set[tuple[str, str]] = set()
    for iri, sup in ancestors.items():
        sup = sup - {iri}
        direct = {s for s in sup if not any(s in ancestors[o] and o != s for o in sup)}
        for s in direct:
            if iri not in ancestors[s]:  # skip equivalent classes (mutual ancestors)
                edges.add((by_iri[iri].uid, by_iri[s].uid))
    unsat = tuple(sorted(curie(c.iri) for c in world.inconsistent_classes()))
    graph_drugs = {d.uid for d in drugs}
    return Inference(
        drug_classes=drug_classes,
        patient_classes=patient_classes,
        subclass_of=frozenset(edges),
        unsatisfiable=unsat,
        seconds=seconds,
        ontology_only_drugs=tuple(sorted(set(ontology_drugs) - graph_drugs)),
    )


def _representatives_drugs(
    model: OntologyModel, drugs: Sequence[DrugFacts]
) -> tuple[list[DrugFacts], dict[str, list[str]]]:
    """One individual per distinct set of facts (classification depends only on them).

    Drugs the ontology itself states something about keep their own individual so that the
    ontology's assertions and the graph's facts meet; drugs with no facts are left out.
    """
    declared = {uid for _, uid in model.individuals}
    known = {c.uid for c in model.classes}
    reps: list[DrugFacts] = []
    members: dict[str, list[str]] = {}
    by_key: dict[tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]], str] = {}
    for d in drugs:
        key = (tuple(sorted(set(d.roles))), tuple(sorted(set(d.classes) & known)))
        if d.uid in declared:
            reps.append(DrugFacts(d.uid, key[0], key[1]))
            members[d.uid] = [d.uid]
            continue
        if not key[0] and not key[1]:
            continue
        rep = by_key.get(key)
        if rep is None:
            rep = by_key[key] = f"_rep/drug/{len(by_key)}"
            reps.append(DrugFacts(rep, key[0], key[1]))
            members[rep] = []
        members[rep].append(d.uid)
    return reps, members


def _representatives_patients(
    patients: Sequence[PatientFacts],
) -> tuple[list[PatientFacts], dict[str, list[str]]]:
    reps: list[PatientFacts] = []
    members: dict[str, list[str]] = {}
    by_key: dict[tuple[str, ...], str] = {}
    for p in patients:
        key = tuple(sorted({ph for _, ph in p.genotypes if ph}))
        if not key:
            continue
        rep = by_key.get(key)
        if rep is None:
            rep = by_key[key] = f"_rep/patient/{len(by_key)}"
            calls = tuple((f"{rep}/genotype/{i}", ph) for i, ph in enumerate(key))
            reps.append(PatientFacts(rep, calls))
            members[rep] = []
        members[rep].append(p.uid)
    return reps, members


def facts_iri(model: OntologyModel, uid: str) -> rdflib.URIRef:
    """The individual IRI a graph uid has in the reasoner (declared or ``kgid:``)."""
    for iri, u in model.individuals:
        if u == uid:
            return rdflib.URIRef(iri)
    return uid_to_iri(uid)


def _patient_uids(model: OntologyModel) -> set[str]:
    return {c.uid for c in model.classes if c.is_patient_class}


def _has_role(ontology: rdflib.Graph, iri: str, model: OntologyModel) -> bool:
    s = rdflib.URIRef(iri)
    return any((s, rdflib.URIRef(r.iri), None) in ontology for r in model.roles)


# -- explanations ---------------------------------------------------------------------------
Unit = tuple[str, frozenset[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]]


def _abox_units(g: rdflib.Graph) -> list[Unit]:
    """One unit per individual: its type and property assertions."""
    units = []
    props = _object_props(g)
    for s in set(g.subjects(RDF.type, OWL.NamedIndividual)):
        triples = frozenset(
            (s, p, o)
            for p, o in g.predicate_objects(s)
            if not (p == RDF.type and o in _ONTOLOGY_BUILTINS) and (p == RDF.type or p in props)
        )
        if triples:
            units.append((curie(str(s)), triples))
    return units


def _object_props(g: rdflib.Graph) -> set[rdflib.term.Node]:
    return set(g.subjects(RDF.type, OWL.ObjectProperty))


def _disjointness_units(g: rdflib.Graph) -> list[Unit]:
    units: list[Unit] = []
    for s, o in g.subject_objects(OWL.disjointWith):
        units.append(
            (
                f"{curie(str(s))} owl:disjointWith {curie(str(o))}",
                frozenset({(s, OWL.disjointWith, o)}),
            )
        )
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        triples = {(node, p, o) for p, o in g.predicate_objects(node)}
        members = []
        for lst in g.objects(node, OWL.members):
            coll = rdflib.collection.Collection(g, lst)
            members = [curie(str(m)) for m in coll]
            for cell in _list_cells(g, lst):
                triples |= set(g.triples((cell, None, None)))
        units.append((f"AllDisjointClasses({', '.join(members)})", frozenset(triples)))
    return units


def _list_cells(g: rdflib.Graph, head: rdflib.term.Node | None) -> list[rdflib.term.Node]:
    cells = []
    while head is not None and head != RDF.nil:
        cells.append(head)
        head = g.value(head, RDF.rest)
    return cells


def _first_true(
    candidates: list[list[Unit]], inconsistent: Callable[[list[Unit]], bool], budget: list[int]
) -> int | None:
    """Index of the first candidate that is inconsistent, trying them in order."""
    for i, candidate in enumerate(candidates):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        if inconsistent(candidate):
            return i
    return None


def _bisect(
    units: list[Unit], inconsistent: Callable[[list[Unit]], bool], budget: list[int]
) -> list[Unit]:
    """Halve ``units`` while one half alone stays inconsistent (cheap when one unit suffices)."""
    while len(units) > 1 and budget[0] > 1:
        half = len(units) // 2
        halves = [units[:half], units[half:]]
        found = _first_true(halves, inconsistent, budget)
        if found is None:
            break
        units = halves[found]
    return units


def _minimise(
    units: list[Unit], inconsistent: Callable[[list[Unit]], bool], budget: list[int]
) -> list[Unit]:
    """A small subset of ``units`` that stays inconsistent (delta debugging, complements)."""
    n = 2
    while len(units) >= 2 and budget[0] > 0:
        size = max(1, len(units) // n)
        chunks = [units[i : i + size] for i in range(0, len(units), size)]
        rests = [[u for u in units if u not in chunk] for chunk in chunks]
        found = _first_true(rests, inconsistent, budget)
        if found is not None:
            units, n = rests[found], max(n - 1, 2)
        elif n >= len(units) or budget[0] <= 0:
            break
        else:
            n = min(len(units), n * 2)
    return units


def explain_inconsistency(
    model: OntologyModel,
    ontology: rdflib.Graph,
    facts: rdflib.Graph,
    *,
    reasoner: str = "hermit",
    max_runs: int = 60,
) -> list[str]:
    """The assertions and disjointness axioms that together make the ontology inconsistent.

    Re-runs the reasoner on smaller sets (at most ``max_runs`` runs), so the answer is a
    small, usually minimal, set; each item names the TTL line where the axiom is stated.
    """
    merged = ontology + facts
    abox = _abox_units(merged)
    disjoint = _disjointness_units(merged)
    removable = {t for _, ts in abox + disjoint for t in ts}
    core = rdflib.Graph()
    for t in merged:
        if t not in removable:
            core.add(t)

    def inconsistent(units: list[Unit]) -> bool:
        g = rdflib.Graph()
        for t in core:
            g.add(t)
        for _, ts in units:
            for t in ts:
                g.add(t)
        return not is_consistent(g, model.iri, reasoner)

    budget = [max_runs]
    abox.sort(key=lambda u: u[0])
    found_abox = _bisect(abox, lambda us: inconsistent(us + disjoint), budget)
    found_abox = _minimise(found_abox, lambda us: inconsistent(us + disjoint), budget)
    # split the remaining individuals into single assertions and minimise again
    single: list[Unit] = [
        (f"{name}: {_render(t)}", frozenset({t})) for name, ts in found_abox for t in sorted(ts)
    ]
    single = _minimise(single, lambda us: inconsistent(us + disjoint), budget)
    found_disjoint = _bisect(disjoint, lambda us: inconsistent(single + us), budget)
    found_disjoint = _minimise(found_disjoint, lambda us: inconsistent(single + us), budget)
    lines = _source_lines(model)
    out = []
    for _, ts in single:
        t = next(iter(ts))
        out.append(f"{_render(t)}{_where(lines, model, t)}")
    for name, _ in found_disjoint:
        out.append(f"{name}{_where_tokens(lines, model, name)}")
    if not found_disjoint:
        out.append("(no disjointness axiom needed: see the class definitions of the types above)")
    return out


def _render(t: tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]) -> str:
    s, p, o = t
    pred = "a" if p == RDF.type else curie(str(p))
    return f"{curie(str(s))} {pred} {curie(str(o))}"


def _source_lines(model: OntologyModel) -> list[str]:
    try:
        return model.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _tokens(node: str) -> list[str]:
    c = curie(node)
    if c.startswith("kgtwin:"):
        return [c]
    from kg.ontology.model import iri_to_uid

    uid = iri_to_uid(node)
    return [f"kgid:{uid}", f"<{node}>"] if uid else [f"<{node}>"]


def _where(lines: list[str], model: OntologyModel, t: tuple[rdflib.term.Node, ...]) -> str:
    subject_tokens = _tokens(str(t[0]))
    object_tokens = _tokens(str(t[2]))
    predicate = "a" if t[1] == RDF.type else curie(str(t[1]))
    start = None
    for i, line in enumerate(lines):
        if any(line.startswith(tok + " ") for tok in subject_tokens):
            start = i
        words = line.replace(";", " ").replace(",", " ").split()
        if start is not None and predicate in words and any(tok in words for tok in object_tokens):
            return f" ({model.path}:{i + 1})"
        if start is not None and line.rstrip().endswith("."):
            start = None
    return " (from the graph)"


def _where_tokens(lines: list[str], model: OntologyModel, name: str) -> str:
    toks = [w.strip("(),") for w in name.split() if w.strip("(),").startswith("kgtwin:")]
    toks = toks or [name]
    for i, line in enumerate(lines):
        if all(tok in line for tok in toks[:2]):
            return f" ({model.path}:{i + 1})"
    return ""
