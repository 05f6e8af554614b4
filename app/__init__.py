"""weframe: help to raise couples therapy with a reluctant spouse, kindly."""
