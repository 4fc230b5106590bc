"""Shared vocabulary below both store and metrics; imports nothing from the project."""
