"""Domain operations. They take ids and an explicit actor, flush but never commit."""
