"""The LINE official account channel (Messaging API webhook and replies)."""
