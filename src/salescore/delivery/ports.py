"""Repositories the delivery context needs (implemented by the storage adapters).

Vehicles, transport tasks, delivery methods set on orders and shipments,
agreements' logistic terms, delivery charges and carrier charges and
payments are stored as documents under their ids; transport tasks are
searchable by day, vehicle and status, delivery charges by shipment and
order, carrier charges and payments by carrier.
"""

from __future__ import annotations

from typing import TypeAlias

from salescore.delivery.charges import CarrierCharge, CarrierPayment, DeliveryCharge
from salescore.delivery.model import DeliveryAssignment, LogisticTerms, Vehicle, VehicleId
from salescore.delivery.tasks import TransportTask
from salescore.ports import Repository

__all__ = [
    "CarrierChargeRepository",
    "CarrierPaymentRepository",
    "DeliveryAssignmentRepository",
    "DeliveryChargeRepository",
    "LogisticTermsRepository",
    "TransportTaskRepository",
    "VehicleRepository",
]

VehicleRepository: TypeAlias = Repository[VehicleId, Vehicle]
TransportTaskRepository: TypeAlias = Repository[str, TransportTask]
DeliveryAssignmentRepository: TypeAlias = Repository[str, DeliveryAssignment]
LogisticTermsRepository: TypeAlias = Repository[str, LogisticTerms]
DeliveryChargeRepository: TypeAlias = Repository[str, DeliveryCharge]
CarrierChargeRepository: TypeAlias = Repository[str, CarrierCharge]
CarrierPaymentRepository: TypeAlias = Repository[str, CarrierPayment]
