"""Project pages, one module per page group; each view parses, calls a selector or a service
and renders. A ``DomainError`` that escapes a view becomes the Chinese error page with its status
(``core.middleware.DomainErrorMiddleware``): bad query parameters 400, out-of-scope writes 403,
objects the user does not see 404.

- :mod:`.home`: 指挥部 (pools, alerts, latest ranking, task summary)
- :mod:`.projects`: 项目库 list and export, project page, edit, archive, delete, milestones
- :mod:`.weekly`: 周调度 form and problem resolution
- :mod:`.ranking`: 月评比 page and CSV, 季观摩/半年考核 scores (reviews)
- :mod:`.alerts`, :mod:`.wallmap`: 预警 and 挂图
- :mod:`.targets`: 目标 and 任务
- :mod:`.reports`: the report downloads
"""
