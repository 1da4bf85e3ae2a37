"""decompose_relay and decompose_consume."""
