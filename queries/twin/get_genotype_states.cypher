// name: get_genotype_states
// purpose: The stored diplotype of Genotype nodes by uid (to record a history event only on change).
// mode: read
// param uids: list<string> - Genotype uids "Genotype/<patient>/<GENE>"
// returns: uid: string, diplotype: string | null
UNWIND $uids AS u
MATCH (g:Genotype {uid: u})
RETURN g.uid AS uid, g.diplotype AS diplotype
