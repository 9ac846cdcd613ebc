"""Platform-neutral core: knowledge, matching, answers and moderation use-cases.

Nothing under this package imports a chat platform library.
"""
