"""The documents stage: the registry, the variable contract, contexts, checklist layout, the template builder,
the Jinja sandbox, rendering, package safety and template lint."""
