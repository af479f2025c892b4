"""Rasa components. Runs inside the Rasa environment: import only rasa, sudachipy and
:mod:`bot.japanese` here."""
