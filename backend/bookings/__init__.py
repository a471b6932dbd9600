"""Residents' pickup bookings: windows, slots, the booking lifecycle."""
