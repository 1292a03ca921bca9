"""The bottom layer: the types every other part of the bot agrees on.

Events, messages, the LLM, agent and tool protocols, the store's records. Modules here
import nothing of the project but ``config``, so anything may import them.
"""
