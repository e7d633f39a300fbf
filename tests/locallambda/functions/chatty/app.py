def handler(event, context):
    for i in range(400):
        print(f"line {i:04d} " + "x" * 40)
    return {"lines": 400}
