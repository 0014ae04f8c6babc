"""Exchange between nodes: the registry of trusted nodes, signed envelopes and receipts, the inbox
(exactly once per message id) and the outbox with retries and dead-lettering."""
