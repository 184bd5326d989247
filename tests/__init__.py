"""The tests of sizing, one module per area; run them all with python3 test_sizing.py."""
