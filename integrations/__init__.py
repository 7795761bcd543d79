"""Integrations: a partner's webhook endpoints (generic and Slack), their deliveries from the
transactional outbox (`core.models.OutboxEvent`), and live sheet feeds of the pool."""
