"""The run pipeline: validate a request, execute the template with papermill, render the evidence with
nbconvert, archive it in the hash-chained ledger, index it in the register; and the portfolio page
and `verify` over what it archived."""
