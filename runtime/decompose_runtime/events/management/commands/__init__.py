"""decompose_relay publishes the outbox; decompose_consume re-sends the signals here."""
