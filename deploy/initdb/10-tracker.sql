-- Rasa's conversations live in a database of their own, next to the catalog.
CREATE DATABASE nakano_tracker OWNER nakano;
