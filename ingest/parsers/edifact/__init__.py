"""UN/EDIFACT: the syntax (service string advice, release character, character sets), the envelope
(UNB..UNZ, UNG..UNE, UNH..UNT) and the ORDERS message as the normalized order."""
