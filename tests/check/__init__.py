"""Tests of `preflight check`, its rules, output formats and `preflight rules`/`lock`."""
