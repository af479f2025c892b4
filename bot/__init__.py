"""Nakano ward garbage-sorting chatbot (中野区 ごみ分別AIチャットボット).

This package is imported by two interpreters: the Rasa environment (Python 3.10) loads
only :mod:`bot.japanese`, :mod:`bot.nlu` and :mod:`bot.rasa_launch`, the app environment
loads everything else.
Keep this file free of imports so that both can load it.
"""
