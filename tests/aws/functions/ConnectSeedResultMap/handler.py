"""Seed 001's Python resultMap example, verbatim (apart from spacing)."""


def lambda_handler(event, context):
    resultMap = {"Name": "CustomerName", "Address": "1234 Main Road", "CallerType": "Patient"}
    return resultMap
