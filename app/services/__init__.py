"""Use cases that combine the store, the engine and the dialogue; routes call only these."""
