"""The ground floor: errors, configuration, ids, kinds and the reference data (hardware catalog, benchmark taxonomy). Every layer may import it; it imports no layer."""
