"""Helpers shared by the test modules: plain functions and constants, no tests, no fixtures.

Test modules import from here (`from support.project import ROOT`), never from each other or from
conftest.py; fixtures shared between modules live in tests/conftest.py and use these helpers.
The helpers that build (run snakemake, render a report) refuse to run inside a test that is not
marked slow (`support.tier`), so the unit tier (`pytest -m "not slow"`) stays build-free.
"""
