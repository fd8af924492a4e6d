"""Shared page widgets: navigation, role guard, money formatting, empty states, translation."""
