"""Drug-drug interactions: ONC high-priority, ONC non-interruptive and VA NDF-RT.

One ``Interaction`` node per ordered (object, precipitant) pair, whatever the number of
sources: each source adds a ``SUPPORTED_BY`` edge with its own severity, and the node keeps
the highest (severity mapping in :mod:`kg.knowledge.severity`). NDF-RT's direction is
arbitrary, so an NDF-RT pair whose reverse is an ONC pair (and not itself one) joins the ONC
orientation. The ONC *member* tables become class-level ``InteractionRule`` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.knowledge.csvfile import Column, Problems, Record, read_csv
from kg.knowledge.exceptions import load_exceptions
from kg.knowledge.loaders.vocab import unresolved_drug
from kg.knowledge.plan import Context, SourcePlan
from kg.knowledge.severity import map_source_severity, severity_rank
from kg.knowledge.sources import SOURCE_INFO, provenance
from kg.knowledge.vocabulary import DrugVocabulary, norm_name

__all__ = ["DDI_FILES", "plan_ddi"]


@dataclass(frozen=True)
class DdiFile:
    """One interaction source: its pair file, member file and list prefix."""

    source: str
    pairs: str
    members: str | None
    prefix: str  # ONC list prefix: hp, ni
    label: str  # the source's own severity label (ONC) or None for NDF-RT


DDI_FILES = {
    "onc_high_priority": DdiFile(
        "onc_high_priority",
        "ddi/onc_high_priority_pairs.csv",
        "ddi/onc_high_priority_members.csv",
        "hp",
        "high priority",
    ),
    "onc_noninterruptive": DdiFile(
        "onc_noninterruptive",
        "ddi/onc_noninterruptive_pairs.csv",
        "ddi/onc_noninterruptive_members.csv",
        "ni",
        "non-interruptive",
    ),
    "ndfrt_va": DdiFile("ndfrt_va", "ddi/ndfrt_va_interactions.csv", None, "va", ""),
}
_RX = r"[0-9]+(;[0-9]+)*"
_PAIR_COLUMNS = [
    Column("object_drug"),
    Column("object_drugbank_id", required=False),
    Column("object_rxcui", required=False, pattern=_RX),
    Column("precipitant_drug"),
    Column("precipitant_drugbank_id", required=False),
    Column("precipitant_rxcui", required=False, pattern=_RX),
    Column("object_class_ndfrt", required=False),
    Column("precipitant_class_ndfrt", required=False),
]
_MEMBER_COLUMNS = [
    Column("list_interaction_id", kind="int"),
    Column("role", choices=("object", "precipitant", "class_only")),
    Column("class_label", required=False),
    Column("drug_name", required=False),
]


def _key(uid: str) -> str:
    return uid.removeprefix("RxNorm:").removeprefix("kgtwin:drug/")


def _rx(uid: str, ok: bool) -> str | None:
    return uid.removeprefix("RxNorm:") if ok else None


def _read_pairs(ctx: Context, f: DdiFile, p: Problems) -> list[Record]:
    cols = list(_PAIR_COLUMNS)
    if f.source == "ndfrt_va":
        cols += [
            Column("severity", choices=("Critical", "Significant")),
            Column("ndfrt_label"),
            Column("ndfrt_uri", required=False),
        ]
    return read_csv(ctx.path(f.pairs), cols, p, display=f.pairs)


def _oriented_pairs(ctx: Context, f: DdiFile) -> set[tuple[str, str]]:
    """Resolved (object, precipitant) uids of an ONC file (for NDF-RT orientation)."""
    p = Problems(f.source)
    voc = ctx.vocabulary
    out = set()
    for r in _read_pairs(ctx, f, p):
        o, _ = voc.resolve(r["object_drug"], r["object_rxcui"])
        q, _ = voc.resolve(r["precipitant_drug"], r["precipitant_rxcui"])
        out.add((o, q))
    return out


def plan_ddi(ctx: Context, source: str) -> SourcePlan:
    """Validate one DDI source and build its Interaction (and InteractionRule) rows."""
    f = DDI_FILES[source]
    info = SOURCE_INFO[source]
    p = Problems(source)
    exc = load_exceptions(ctx.data_dir, p)
    pairs = _read_pairs(ctx, f, p)
    members = (
        read_csv(ctx.path(f.members), _MEMBER_COLUMNS, p, display=f.members) if f.members else []
    )
    p.raise_if_any()
    voc = ctx.vocabulary
    kb = ctx.kb_version
    plan = SourcePlan(source, info.version)
    unresolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, rxcui: str = "") -> tuple[str, bool]:
        uid, ok = voc.resolve(name, rxcui)
        if not ok:
            unresolved.setdefault(uid, unresolved_drug(uid, name, source, kb))
        return uid, ok

    # Members -> ONC list classes and class-level rules.
    rule_members: dict[tuple[int, str], set[str]] = {}
    rule_labels: dict[tuple[int, str], list[str]] = {}
    member_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in members:
        lid, role = int(r["list_interaction_id"]), r["role"]
        label = " ".join(r["class_label"].split())
        labels = rule_labels.setdefault((lid, role), [])
        if label and label not in labels:
            labels.append(label)
        rule_members.setdefault((lid, role), set())
        if not r["drug_name"] or exc.is_not_a_drug(f.members or "", r["drug_name"]):
            continue
        uid, ok = resolve(r["drug_name"])
        rule_members[(lid, role)].add(uid)
        cls = f"ONC:{f.prefix}-{lid}-{role}"
        member_rows[(uid, cls)] = {
            "drug": uid,
            "drug_name": norm_name(r["drug_name"]),
            "drug_rxcui": _rx(uid, ok),
            "class": cls,
            "props": {
                "label": label or None,
                **provenance(source, kb, f"{info.citation}; list item {lid}"),
            },
        }
    class_rows = []
    for (lid, role), labels in sorted(rule_labels.items()):
        name = " / ".join(labels) or f"ONC {info.version} item {lid} {role} drugs"
        class_rows.append(
            {
                "uid": f"ONC:{f.prefix}-{lid}-{role}",
                "props": {
                    "name": name,
                    "kind": "onc_list",
                    "list": source,
                    "list_interaction_id": lid,
                    "role": role,
                    **provenance(source, kb, f"{info.citation}; list item {lid}"),
                },
            }
        )
    rules = []
    sev = map_source_severity(source, f.label) if f.members else ""
    for lid in sorted({lid for lid, _ in rule_labels}):
        if (lid, "class_only") in rule_labels:
            obj = prec = f"ONC:{f.prefix}-{lid}-class_only"
            text = rule_labels[(lid, "class_only")]
            desc = f"{' / '.join(text)} + {' / '.join(text)}"
        else:
            obj, prec = f"ONC:{f.prefix}-{lid}-object", f"ONC:{f.prefix}-{lid}-precipitant"
            desc = _pair_text(rule_labels, rule_members, voc, lid)
        rule_id = f"onc-{f.prefix}-{lid}"
        cite = f"{info.citation}; list item {lid}"
        rules.append(
            {
                "uid": f"rule:{rule_id}",
                "object_drug": None,
                "object_class": obj,
                "precipitant_drug": None,
                "precipitant_class": prec,
                "source_uid": info.uid,
                "props": {
                    "rule_id": rule_id,
                    "kind": "class_interaction",
                    "severity": sev,
                    "severity_rank": severity_rank(sev),
                    "strength": None,
                    "message": f"{info.name}, item {lid}: {desc}",
                    "management": None,
                    "list_interaction_id": lid,
                    **provenance(source, kb, cite),
                },
                "edge": {
                    "source_severity": f.label,
                    "severity": sev,
                    "label": desc,
                    "rule_id": rule_id,
                    "source_version": info.version,
                    "citation": cite,
                },
            }
        )
    # Pairs -> Interaction nodes.
    onc_pairs: set[tuple[str, str]] = set()
    if source == "ndfrt_va":
        for other in ("onc_high_priority", "onc_noninterruptive"):
            onc_pairs |= _oriented_pairs(ctx, DDI_FILES[other])
    merged: dict[str, dict[str, Any]] = {}
    for r in pairs:
        o_uid, o_ok = resolve(r["object_drug"], r["object_rxcui"])
        q_uid, q_ok = resolve(r["precipitant_drug"], r["precipitant_rxcui"])
        o_name, q_name = norm_name(r["object_drug"]), norm_name(r["precipitant_drug"])
        o_cls, q_cls = r["object_class_ndfrt"], r["precipitant_class_ndfrt"]
        if source == "ndfrt_va" and (o_uid, q_uid) not in onc_pairs and (q_uid, o_uid) in onc_pairs:
            o_uid, o_ok, o_name, o_cls, q_uid, q_ok, q_name, q_cls = (
                q_uid,
                q_ok,
                q_name,
                q_cls,
                o_uid,
                o_ok,
                o_name,
                o_cls,
            )
        pair_label: str | None
        pair_rule: str | None
        if source == "ndfrt_va":
            own = r["severity"]
            pair_label = r["ndfrt_label"]
            pair_rule = r.get("ndfrt_uri") or None
        else:
            own = f.label
            ids = sorted(
                lid
                for (lid, role), uids in rule_members.items()
                if role == "object"
                and o_uid in uids
                and q_uid in rule_members.get((lid, "precipitant"), set())
            )
            pair_rule = ";".join(f"onc-{f.prefix}-{i}" for i in ids) or None
            pair_label = (
                "; ".join(f"item {i}: {_pair_text(rule_labels, rule_members, voc, i)}" for i in ids)
                or None
            )
        sev = map_source_severity(source, own)
        uid = f"ddi:{_key(o_uid)}-{_key(q_uid)}"
        mech = " + ".join(x for x in (o_cls, q_cls) if x) or None
        row = merged.get(uid)
        if row is not None:  # the same pair twice in one source: keep the highest, all labels
            e = row["edge"]
            if severity_rank(sev) > e["severity_rank"]:
                e.update(source_severity=own, severity=sev, severity_rank=severity_rank(sev))
            if pair_label and pair_label not in (e["label"] or ""):
                e["label"] = f"{e['label']}; {pair_label}" if e["label"] else pair_label
            continue
        merged[uid] = {
            "uid": uid,
            "object_uid": o_uid,
            "object_name": o_name,
            "object_rxcui": _rx(o_uid, o_ok),
            "precipitant_uid": q_uid,
            "precipitant_name": q_name,
            "precipitant_rxcui": _rx(q_uid, q_ok),
            "source_uid": info.uid,
            "props": {
                "object_name": voc.drugs[o_uid].name if o_uid in voc.drugs else o_name,
                "precipitant_name": voc.drugs[q_uid].name if q_uid in voc.drugs else q_name,
                "mechanism": mech or pair_label,
                "kb_version": kb,
            },
            "edge": {
                "source_severity": own,
                "severity": sev,
                "severity_rank": severity_rank(sev),
                "label": pair_label,
                "rule_id": pair_rule,
                "source_version": info.version,
                "citation": info.citation,
                "object_class": o_cls or None,
                "precipitant_class": q_cls or None,
            },
        }
    plan.add("merge_kb_drugs", list(unresolved.values()), "Drug")
    plan.add("merge_kb_drug_classes", class_rows, "DrugClass")
    plan.add("merge_kb_class_members", list(member_rows.values()), "MEMBER_OF")
    plan.add("merge_kb_interaction_rules", rules, "InteractionRule")
    plan.add("merge_kb_interactions", list(merged.values()), "Interaction")
    return plan


def _pair_text(
    labels: dict[tuple[int, str], list[str]],
    members: dict[tuple[int, str], set[str]],
    voc: DrugVocabulary,
    lid: int,
) -> str:
    obj = _describe(labels, members, voc, lid, "object")
    return f"{obj} + {_describe(labels, members, voc, lid, 'precipitant')}"


def _describe(
    labels: dict[tuple[int, str], list[str]],
    members: dict[tuple[int, str], set[str]],
    voc: DrugVocabulary,
    lid: int,
    role: str,
) -> str:
    text = " / ".join(labels.get((lid, role), []))
    if text:
        return text
    names = sorted(
        voc.drugs[u].name if u in voc.drugs else _key(u) for u in members.get((lid, role), set())
    )
    return ", ".join(names) or role
