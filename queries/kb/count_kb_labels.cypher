// name: count_kb_labels
// purpose: Number of nodes per label (a node with two labels counts under each).
// mode: read
// returns: label: string, count: int
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
