"""Data tables and helpers of bench/adversarial_fresh.py, split by concern."""
