"""Prices: price types, the price register, formulas and price lists."""
