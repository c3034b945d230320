"""iku: IKU and Capaian IKU documents from the bidang's Excel submissions."""

__version__ = "0.1.0"
