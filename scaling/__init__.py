"""The scaling stage: compute estimates (two conventions), imports of published datasets, and fits.

Data flow: CuratedFact / imported facts -> compute estimate -> FitPoint -> fit -> FitResult.
"""

__all__: list[str] = []
