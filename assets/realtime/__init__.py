"""Realtime: progress events (events.py) reach /ws connections (consumer.py) through one
subscription per server process (fanout.py), in seq order with resume (delivery.py)."""
