// name: echo_value
// purpose: Return a parameter unchanged; checks that every value type survives the round trip.
// mode: read
// param value: any
// returns: value: any
RETURN $value AS value
