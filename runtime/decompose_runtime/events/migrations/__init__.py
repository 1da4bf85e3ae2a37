"""The events app's schema: the outbox and the processed-event log."""
