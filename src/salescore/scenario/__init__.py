"""Scenario files: plain-text cases (TOML) that the command line and the golden tests read.

The shared reader (:mod:`salescore.scenario._toml`) reports every mistake
with the file, the key path and what was expected; each context adds a
module that turns a file into its own values (:mod:`salescore.scenario.receivables`).
"""
