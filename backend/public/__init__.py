"""The public information release (循环经济信息发布): the city's recycling figures for anyone, no account,
aggregates only."""
