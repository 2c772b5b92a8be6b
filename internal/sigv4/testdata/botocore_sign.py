"""Sign requests with botocore's SigV4Auth and send them to a test server.

Usage: botocore_sign.py ENDPOINT ACCESS_KEY_ID SECRET

Used by TestBotocore: each case exercises a corner of the canonical
request where signers differ. botocore is the signer of the AWS CLI and
boto3.
"""

import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session

endpoint, akid, secret = sys.argv[1], sys.argv[2], sys.argv[3]
target = "AWSCognitoIdentityProviderService.ListUserPools"
base = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": target,
}

cases = [
    # (path and query, extra headers, body, session token)
    ("/", {}, b'{"MaxResults": 10}', None),
    ("/a/./b//c/../d", {}, b"{}", None),
    ("/?b=2&a=1&c=x%20y&a=0", {}, b"{}", None),
    ("/", {"X-Amz-Meta-Note": "  a   b  ", "X-Custom_Under": "v"}, b"{}", None),
    ("/", {}, b"{}", "IQoJb3JpZ2luX2VjEXAMPLE/session+token=="),
    ("/", {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}, b"{}", None),
    ("/", {}, '{"Username": "j\u00fcrgen \u2603"}'.encode("utf-8"), None),
]

session = URLLib3Session()
for path, extra, body, token in cases:
    headers = dict(base)
    headers.update(extra)
    req = AWSRequest(method="POST", url=endpoint + path, data=body, headers=headers)
    SigV4Auth(Credentials(akid, secret, token), "cognito-idp", "us-east-1").add_auth(req)
    resp = session.send(req.prepare())
    if resp.status_code != 200:
        sys.exit("case %r: HTTP %d" % (path, resp.status_code))
