"""Clients for the systems sretui reads from: Prometheus-compatible metrics, Alertmanager, demo."""
