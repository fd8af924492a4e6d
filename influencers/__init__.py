"""Influencer CRM and programs: contacts, handles, collaborations, deliverables, payments, ROI."""
