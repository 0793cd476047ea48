"""The price formula language: parse, check, compile, evaluate."""
