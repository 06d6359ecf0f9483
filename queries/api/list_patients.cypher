// name: list_patients
// purpose: A page of twin uids in uid order, optionally restricted to a set of uids (a caller's scope).
// mode: read
// param scope: list<string> - null for every twin
// param after: string - the last uid of the previous page, '' for the first
// param limit: int
// returns: uid: string
MATCH (p:Patient)
WHERE ($scope IS NULL OR p.uid IN $scope) AND p.uid > $after
RETURN p.uid AS uid
ORDER BY uid
LIMIT $limit
