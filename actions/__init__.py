"""Custom actions for the Rasa server, run by the rasa-sdk action server.

They answer from the live catalog in the database, so a staff edit is used on the next
message without retraining.
"""
