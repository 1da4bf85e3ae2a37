"""Strangler-fig routing: proxy configuration that shifts a service's URLs a percent at a time."""
