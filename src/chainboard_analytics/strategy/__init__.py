"""Regional strategy analytics (区域产业发展战略分析).

Specialisation, shift-share, economic complexity and relatedness, input-output linkages and
opportunity ranking. Pure NumPy/SciPy/pandas; never imports Django or ``chainboard``.
See docs/analytics/strategy.md.
"""
