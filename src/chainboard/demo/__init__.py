"""The sample city 邢台市 (示例数据): ``profiles`` (static character), ``generator`` (pure,
seeded generation), ``loader`` (writes it with history) and the ``demo`` management command."""
