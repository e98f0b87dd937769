//! A CSR sparse matrix of examples (on `sprs`) that implements linfa's `Records`.

use linfa::dataset::Records;
use sprs::CsMatI;

/// One sparse example: sorted feature indices and their values.
#[derive(Debug, Clone, Copy)]
pub struct SparseRow<'a> {
    /// Sorted, distinct feature indices.
    pub indices: &'a [u32],
    /// Values, aligned with `indices`.
    pub values: &'a [f32],
}

/// Examples as rows of a CSR matrix, usable as linfa `DatasetBase` records.
#[derive(Debug, Clone)]
pub struct SparseRecords {
    matrix: CsMatI<f32, u32, usize>,
}

impl SparseRecords {
    /// Builds records from rows of sorted `(index, value)` pairs in a space of `dim` features.
    pub fn from_rows(dim: usize, rows: &[Vec<(u32, f32)>]) -> Self {
        let nnz = rows.iter().map(Vec::len).sum();
        let mut b = SparseBuilder::with_capacity(rows.len(), nnz);
        rows.iter().for_each(|r| b.push_row(r));
        b.finish(dim)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> SparseRow<'_> {
        let range = self.matrix.indptr().outer_inds_sz(i);
        SparseRow { indices: &self.matrix.indices()[range.clone()], values: &self.matrix.data()[range] }
    }

    /// Iterates over rows in order.
    pub fn rows(&self) -> impl Iterator<Item = SparseRow<'_>> {
        (0..self.matrix.rows()).map(|i| self.row(i))
    }

    /// Number of stored values.
    pub fn nnz(&self) -> usize {
        self.matrix.nnz()
    }

    /// The underlying `sprs` matrix.
    pub fn matrix(&self) -> &CsMatI<f32, u32, usize> {
        &self.matrix
    }

    /// The rows at `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> Self {
        let nnz = idx.iter().map(|&i| self.row(i).indices.len()).sum();
        let mut b = SparseBuilder::with_capacity(idx.len(), nnz);
        let mut row = Vec::new();
        for &i in idx {
            let r = self.row(i);
            row.clear();
            row.extend(r.indices.iter().copied().zip(r.values.iter().copied()));
            b.push_row(&row);
        }
        b.finish(self.matrix.cols())
    }
}

/// Builds [`SparseRecords`] one row at a time, without holding the rows twice.
#[derive(Debug)]
pub struct SparseBuilder {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    data: Vec<f32>,
}

impl SparseBuilder {
    /// A builder with room for `rows` rows and `nnz` values.
    pub fn with_capacity(rows: usize, nnz: usize) -> Self {
        let mut indptr = Vec::with_capacity(rows + 1);
        indptr.push(0);
        Self { indptr, indices: Vec::with_capacity(nnz), data: Vec::with_capacity(nnz) }
    }

    /// Appends a row of sorted `(index, value)` pairs.
    pub fn push_row(&mut self, row: &[(u32, f32)]) {
        for &(i, v) in row {
            self.indices.push(i);
            self.data.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// The records, in a space of `dim` features.
    pub fn finish(self, dim: usize) -> SparseRecords {
        let rows = self.indptr.len() - 1;
        SparseRecords { matrix: CsMatI::new((rows, dim), self.indptr, self.indices, self.data) }
    }
}

impl Records for SparseRecords {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.matrix.rows()
    }

    fn nfeatures(&self) -> usize {
        self.matrix.cols()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_linfa_sees_shape() {
        let rows = vec![vec![(1, 0.5), (7, 2.0)], vec![], vec![(3, 1.0)]];
        let r = SparseRecords::from_rows(8, &rows);
        assert_eq!((r.nsamples(), r.nfeatures(), r.nnz()), (3, 8, 3));
        assert_eq!(r.row(0).indices, [1, 7]);
        assert_eq!(r.row(1).indices.len(), 0);
        let sel = r.select(&[2, 0]);
        assert_eq!(sel.row(0).values, [1.0]);
        let ds = linfa::DatasetBase::new(r, ndarray::array![0usize, 1, 0]);
        assert_eq!(ds.nsamples(), 3);
    }
}
