"""Security findings of issue 9, each with a test that failed before its fix."""
