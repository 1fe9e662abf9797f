"""The Strides benchmark suite, run with `strides bench [--quick]` (see README, Development)."""
