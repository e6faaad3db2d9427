"""Reports: exact aggregates kept from the table's stream, rebuilt by `recount`, read in constant time."""
