"""Money: a Decimal amount with an ISO 4217 currency. Never float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crossborder.core.errors import FieldError, ValidationFailed

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def to_decimal(value: object, *, path: str = "amount") -> Decimal:
    """Parse an external number without passing through float (floats are rejected
    unless they are exact integers, since 0.1 has no exact binary form)."""
    if isinstance(value, bool):
        raise ValidationFailed("not a number", errors=[FieldError(path, "must be a decimal number", value)])
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValidationFailed(
                "float amount", errors=[FieldError(path, "must be given as a decimal string, not a float", value)]
            )
        result = Decimal(int(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationFailed(
                "not a number", errors=[FieldError(path, "must be a decimal number", value)]
            ) from None
    else:
        raise ValidationFailed("not a number", errors=[FieldError(path, "must be a decimal number", value)])
    if not result.is_finite():
        raise ValidationFailed("not finite", errors=[FieldError(path, "must be a finite decimal number", value)])
    return result


@dataclass(frozen=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if not _CURRENCY.match(self.currency):
            raise ValidationFailed(
                "bad currency",
                errors=[FieldError("currency", "must be an ISO 4217 code (three capital letters)", self.currency)],
            )

    def rounded(self, minor_units: int) -> Money:
        quantum = Decimal(1).scaleb(-minor_units)
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by Decimal, not float")
        return Money(self.amount * Decimal(factor), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def as_dict(self) -> dict[str, str]:
        return {"amount": format(self.amount, "f"), "currency": self.currency}

    def __str__(self) -> str:
        return f"{format(self.amount, ',f')} {self.currency}"
