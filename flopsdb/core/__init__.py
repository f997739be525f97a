"""The ground floor: errors, configuration, ids and kinds. Every layer may import it; it imports no layer."""
