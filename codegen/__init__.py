"""Code generation: specs/ -> generated/. Run with `python -m codegen`."""
